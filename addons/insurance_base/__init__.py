# What every insurance module shares and no business concept owns: money,
# the time of the business (UTC stored, Asia/Shanghai shown), caches that
# forget what changes, row locks that skip what others hold. No models.
