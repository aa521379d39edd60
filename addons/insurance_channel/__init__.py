# Sales channels (partner platforms), their API keys and contracts.
