# What every insurance module shares and no business concept owns: money,
# the time of the business (UTC stored, Asia/Shanghai shown), caches that
# forget what changes, row locks that skip what others hold, the guard that
# leaves states and amounts to the workflow, and two extensions of trytond's
# own models: queue tasks of dead workers reclaimed, logins throttled by
# client address.
