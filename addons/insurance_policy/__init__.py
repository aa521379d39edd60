# Policies: issuance, endorsements, renewals, cancellations, expiry, bulk.
