# E-policies (电子保单): the policy as a PDF, printed, emailed, downloaded and
# verified by its code.
