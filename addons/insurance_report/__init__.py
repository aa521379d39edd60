# Finance and analysis: channel statements and business statistics.
