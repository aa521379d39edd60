#!/usr/bin/env bash
# Refresh addons/*/locale/zh_CN.po from the modules' models, views, menus and
# messages, keeping every existing msgstr. Uses a scratch database.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
# trytond collects the source strings only in a database whose language is
# English, and the configuration file would override an environment variable.
TRYTOND_CONFIG=$(mktemp)
printf '[database]\nlanguage = en\n' > "$TRYTOND_CONFIG"
export TRYTOND_CONFIG
DATABASE=insurance_i18n_$$
MODULES=(insurance_product insurance_channel insurance_policy insurance_claim insurance_api insurance_report insurance_document insurance_invoice)
psql -d postgres -qc "CREATE DATABASE $DATABASE ENCODING 'UTF8' TEMPLATE template0"
trap 'psql -d postgres -qc "DROP DATABASE IF EXISTS $DATABASE"; rm -f "$TRYTOND_CONFIG"' EXIT
echo admin2026 > "${PASSFILE:=$(mktemp)}"
TRYTONPASSFILE=$PASSFILE trytond-admin -d "$DATABASE" --email admin@insurance.example -u "${MODULES[@]}" --activate-dependencies -l zh_CN
trytond-admin -d "$DATABASE" -u "${MODULES[@]}" -l zh_CN --export-translations
rm -f "$PASSFILE"
