# Claims: filing, adjudication, payments and the callbacks outbox.
