#!/bin/sh
# Run once by the postgres image when it creates the primary's cluster:
# the optional replica (docker/compose.yaml, profile "replica") streams from it.
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
