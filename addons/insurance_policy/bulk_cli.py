"""Issue the policies of a bulk file (批量投保) from the command line.

    python -m trytond.modules.insurance_policy.bulk_cli \\
        --database DB --channel ZHIFUPAY --product ACCOUNT_SECURITY FILE

Each chunk is committed on its own; running the command again on the same
file resumes its job where the last committed chunk left it. Progress goes
to stderr; the rejected rows can be written with --report. The
configuration comes from TRYTOND_CONFIG (and TRYTOND_* variables).
"""
import argparse
import datetime as dt
import hashlib
import sys
import time
from pathlib import Path


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(
        prog='python -m trytond.modules.insurance_policy.bulk_cli',
        description=__doc__.splitlines()[0])
    parser.add_argument('--database', '-d', required=True)
    parser.add_argument('--channel', '-c', required=True, help="channel code")
    parser.add_argument('--product', '-p', required=True, help="product code")
    parser.add_argument('--effective-date', type=dt.date.fromisoformat,
        help="for the rows that give none (default: today in China)")
    parser.add_argument('--chunk-size', type=int,
        help="rows per transaction (default: 2000)")
    parser.add_argument('--report', type=Path,
        help="write the rejected rows to this CSV file")
    parser.add_argument('file', type=Path)
    return parser.parse_args(argv)


def find_or_create_job(args, digest):
    """Return the job of the file to resume or a new one, running; None
    when the channel or product is unknown"""
    from trytond.pool import Pool
    pool = Pool()
    Bulk = pool.get('insurance.policy.bulk')
    Channel = pool.get('insurance.channel')
    Product = pool.get('insurance.product')
    channels = Channel.search([('code', '=', args.channel)], limit=1)
    products = Product.search([('code', '=', args.product)], limit=1)
    if not channels or not products:
        return None
    found = Bulk.search([
            ('digest', '=', digest),
            ('channel', '=', channels[0].id),
            ('product', '=', products[0].id),
            ], limit=1)
    if found:
        job, = found
    else:
        job = Bulk(channel=channels[0], product=products[0], digest=digest,
            filename=args.file.name)
        if args.effective_date:
            job.effective_date = args.effective_date
        if args.chunk_size:
            job.chunk_size = args.chunk_size
        job.save()
    if job.state in {'draft', 'failed'}:
        Bulk.run([job])
    return job.id


def issue_all(database, job_id, data, progress):
    "Issue the chunks left, one transaction each; return the job's figures"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    while True:
        with Transaction().start(database, 0) as transaction:
            Bulk = Pool().get('insurance.policy.bulk')
            job = Bulk(job_id)
            progress.begin(job)
            unfinished = Bulk.issue_chunks([job], data)
            transaction.commit()
            job = Bulk(job_id)
            progress.show(job)
            if not unfinished:
                return summary(job)


def summary(job):
    return {
        'state': job.state, 'rows': job.total_rows, 'issued': job.issued,
        'rejected': job.rejected, 'failure': job.failure,
        'report': job.report if job.rejected else None,
        }


class Progress:
    "A progress bar on stderr, with the rate of this run"
    WIDTH = 40

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.started = None
        self.done_before = 0

    def begin(self, job):
        "Count the rate from the rows job has done when first called"
        if self.started is None:
            self.started = time.monotonic()
            self.done_before = job.issued + job.rejected

    def show(self, job):
        done = job.issued + job.rejected
        total = job.total_rows or 1
        filled = int(self.WIDTH * done / total)
        rate = (done - self.done_before) / max(
            time.monotonic() - self.started, 1e-6)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] "
            f"{done}/{job.total_rows} rows, {job.issued} issued, "
            f"{job.rejected} rejected, {rate:,.0f} rows/s")
        self.stream.flush()

    def end(self):
        self.stream.write('\n')


def main(argv=None):
    args = parse_arguments(argv)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    data = args.file.read_bytes()
    Pool.start()
    Pool(args.database).init()
    with Transaction().start(args.database, 0) as transaction:
        job_id = find_or_create_job(
            args, hashlib.sha256(data).hexdigest())
        transaction.commit()
    if job_id is None:
        print(f"No channel {args.channel} or product {args.product}",
            file=sys.stderr)
        return 2
    progress = Progress()
    result = issue_all(args.database, job_id, data, progress)
    progress.end()
    if args.report and result['report']:
        args.report.write_bytes(result['report'])
    print(f"job {job_id}: {result['state']}, {result['rows']} rows, "
        f"{result['issued']} issued, {result['rejected']} rejected"
        + (f": {result['failure']}" if result['failure'] else ''))
    return 0 if result['state'] == 'done' else 1


if __name__ == '__main__':
    sys.exit(main())
