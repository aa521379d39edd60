# Claims: filing, change log, adjudication, handling and the callbacks outbox.
