# Sales channels (partner platforms), their API keys and contracts.
# Classes are registered from tryton.cfg. What the partner API and bulk
# issuance call:
#   insurance.channel.api_key: authenticate(raw_key), record_use()
#   insurance.channel: ip_allowed(address)
#   insurance.contract: find_for(channel, product_code), find_sellable(channel)
#   insurance.contract.version: grants_operation(op), grants_plan(code),
#       plan(code), covers(date), product_withdrawn
