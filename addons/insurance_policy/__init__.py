# Policies: issuance, endorsements, renewals, cancellations, expiry and bulk issuance.
