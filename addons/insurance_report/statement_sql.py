"""The SQL behind channel statements: which records a statement takes in.

A record (an issued policy, a cancellation, an endorsement, a paid claim)
belongs to the statement being built when it happened for the channel
before the end of the month and no confirmed (or settled) statement holds
it yet. So a cancellation stamped in an already confirmed month is taken in
by the next statement built, and nothing is counted twice or lost.
"""

# Each source selects: record, policy, contract_version, occurred_at, amount
# of the records of %(channel)s that happened in [%(start)s, %(end)s).
SOURCES = {
    'issue': """
        SELECT p.id, p.id, p.contract_version, p.issued_at, p.premium
        FROM insurance_policy AS p
        WHERE p.channel = %(channel)s
            AND p.issued_at >= %(start)s AND p.issued_at < %(end)s""",
    'cancellation': """
        SELECT p.id, p.id, p.contract_version, p.cancelled_at,
            COALESCE(p.refund, 0)
        FROM insurance_policy AS p
        WHERE p.channel = %(channel)s
            AND p.cancelled_at >= %(start)s AND p.cancelled_at < %(end)s""",
    'endorsement': """
        SELECT e.id, e.policy, e.contract_version, e.created_at,
            e.premium_delta
        FROM insurance_policy_endorsement AS e
        JOIN insurance_policy AS p ON p.id = e.policy
        WHERE p.channel = %(channel)s
            AND e.created_at >= %(start)s AND e.created_at < %(end)s""",
    'claim': """
        SELECT c.id, c.policy, p.contract_version, c.paid_at, c.paid_amount
        FROM insurance_claim AS c
        JOIN insurance_policy AS p ON p.id = c.policy
        WHERE c.channel = %(channel)s
            AND c.paid_at >= %(start)s AND c.paid_at < %(end)s""",
    }

# The columns of a source, as copied from the replica (replica.py)
SOURCE_COLUMNS = ('record INTEGER, policy INTEGER, contract_version INTEGER, '
    'occurred_at TIMESTAMP, amount NUMERIC')

# Rows read on the replica whose policy this transaction sees: the replica
# may be ahead of its snapshot; the next build takes the others
VISIBLE_SOURCE = """
    SELECT source.* FROM ({source}) AS source
    WHERE EXISTS (
        SELECT 1 FROM insurance_policy AS p WHERE p.id = source.policy)"""

CLEAR = """
    DELETE FROM insurance_statement_line WHERE statement = %(statement)s"""

ANALYZE_LINES = "ANALYZE insurance_statement_line"

SAVE_XLSX = """
    UPDATE insurance_statement SET xlsx = %(xlsx)b
    WHERE id = %(statement)s"""

TAKE_IN = """
    INSERT INTO insurance_statement_line (create_uid, create_date,
        statement, kind, record, policy, contract_version, occurred_at,
        amount)
    SELECT %(user)s, %(now)s, %(statement)s, %(kind)s::VARCHAR, source.*
    FROM ({source}) AS source (
        record, policy, contract_version, occurred_at, amount)
    WHERE NOT EXISTS (
        SELECT 1
        FROM insurance_statement_line AS line
        JOIN insurance_statement AS statement
            ON statement.id = line.statement
        WHERE line.kind = %(kind)s::VARCHAR AND line.record = source.record
            AND statement.state != 'draft')"""

# Lines of the statement already held by a confirmed one: it was built
# before that one got confirmed and must be built again.
TAKEN_ELSEWHERE = """
    SELECT 1
    FROM insurance_statement_line AS line
    JOIN insurance_statement_line AS held
        ON held.kind = line.kind AND held.record = line.record
    JOIN insurance_statement AS statement ON statement.id = held.statement
    WHERE line.statement = %(statement)s
        AND statement.state != 'draft'
    LIMIT 1"""

TOTALS_BY_KIND = """
    SELECT kind, COUNT(*), COALESCE(SUM(amount), 0)
    FROM insurance_statement_line
    WHERE statement = %(statement)s
    GROUP BY kind"""

FEE_BASES = """
    SELECT contract_version,
        SUM(CASE WHEN kind = 'issue' THEN amount ELSE 0 END),
        SUM(CASE WHEN kind = 'endorsement' THEN amount ELSE 0 END),
        SUM(CASE WHEN kind = 'cancellation' THEN amount ELSE 0 END)
    FROM insurance_statement_line
    WHERE statement = %(statement)s AND kind != 'claim'
    GROUP BY contract_version
    ORDER BY contract_version"""

_CONTRACT_VERSION_LABEL = "contract.number || ' v' || version.number"
_DETAIL_JOINS = """
    FROM insurance_statement_line AS line
    JOIN insurance_policy AS p ON p.id = line.policy
    JOIN insurance_plan AS plan ON plan.id = p.plan
    JOIN insurance_product AS product ON product.id = p.product
    JOIN insurance_contract_version AS version
        ON version.id = line.contract_version
    JOIN insurance_contract AS contract ON contract.id = version.contract"""


def _detail(columns, kind, joins=''):
    return f"""
        SELECT {columns}
        {_DETAIL_JOINS}
        {joins}
        WHERE line.statement = %(statement)s AND line.kind = '{kind}'
        ORDER BY line.occurred_at, line.id"""


# The rows of each detail sheet, in the order of its columns
DETAILS = {
    'issue': _detail(
        "p.number, product.name, plan.name, "
        f"{_CONTRACT_VERSION_LABEL}, line.occurred_at, p.starts_at, "
        "p.ends_at, line.amount", 'issue'),
    'cancellation': _detail(
        "p.number, product.name, plan.name, "
        f"{_CONTRACT_VERSION_LABEL}, line.occurred_at, p.cancellation_date, "
        "line.amount", 'cancellation'),
    'endorsement': _detail(
        f"e.number, p.number, plan.name, {_CONTRACT_VERSION_LABEL}, "
        "line.occurred_at, e.effective_date, line.amount", 'endorsement',
        "JOIN insurance_policy_endorsement AS e ON e.id = line.record"),
    'claim': _detail(
        f"c.number, p.number, plan.name, {_CONTRACT_VERSION_LABEL}, "
        "line.occurred_at, line.amount", 'claim',
        "JOIN insurance_claim AS c ON c.id = line.record"),
    }
