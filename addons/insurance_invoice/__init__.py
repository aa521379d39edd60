# Invoice requests (开票申请): recorded by customer service, issued or
# refused by finance, the customer emailed.
