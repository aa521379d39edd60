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
from concurrent.futures import ThreadPoolExecutor
from operator import methodcaller
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


def find_or_create_job(args, data):
    """Return the id of the job of the file to resume or of a new one,
    running; None when the channel or product is unknown"""
    from trytond.pool import Pool
    pool = Pool()
    Bulk = pool.get('insurance.policy.bulk')
    Channel = pool.get('insurance.channel')
    Product = pool.get('insurance.product')
    channels = Channel.search([('code', '=', args.channel)], limit=1)
    products = Product.search([('code', '=', args.product)], limit=1)
    if not channels or not products:
        return None
    digest = hashlib.sha256(data).hexdigest()
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
        start(Bulk(job.id), data)
    return job.id


def start(job, data):
    "Read the file's header and count its rows, or fail the job"
    from trytond.modules.insurance_policy.bulk_file import FileError
    try:
        job.prepare(data)
    except FileError as error:
        job.failure = str(error)
        job.save()
        job.fail([job])
    else:
        job.save()


def issue_all(database, job_id, data, progress):
    """Issue the chunks left, one transaction each; return the job's figures

    While a thread stores a chunk, the next one is quoted: the database's
    work and Python's overlap on two cores."""
    offset, line_number, at_end = in_transaction(database, job_id,
        lambda job: (job.next_offset, job.next_line, job.state != 'running'))
    progress.begin(in_transaction(database, job_id, figures))
    with ThreadPoolExecutor(max_workers=1) as writer:
        storing = previous = None
        while not at_end:
            batch = in_transaction(database, job_id,
                methodcaller('quote_chunk', data, offset, line_number,
                    previous.accounts if previous else ()),
                # the numbers taken from the sequence are never reused
                commit=True)
            if storing:
                progress.show(storing.result())
            storing = writer.submit(in_transaction, database, job_id,
                lambda job, batch=batch: store_chunk(job, batch),
                commit=True)
            previous = batch
            offset, line_number, at_end = (
                batch.next_offset, batch.next_line, batch.at_end)
        if storing:
            progress.show(storing.result())
    return in_transaction(database, job_id, summary)


def in_transaction(database, job_id, function, commit=False):
    "Return function(job) run in a transaction of its own"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0) as transaction:
        result = function(Pool().get('insurance.policy.bulk')(job_id))
        if commit:
            transaction.commit()
        return result


def store_chunk(job, batch):
    "Store batch and move the job past it; return the job's figures"
    job.store_chunk(batch)
    job.save()
    if batch.at_end:
        job.finish([job])
    return figures(job)


def figures(job):
    return job.issued, job.rejected, job.total_rows


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

    def begin(self, figures):
        "Count the rate from the rows done so far"
        issued, rejected, _ = figures
        self.started = time.monotonic()
        self.done_before = issued + rejected

    def show(self, figures):
        issued, rejected, total_rows = figures
        done = issued + rejected
        total = total_rows or 1
        filled = int(self.WIDTH * done / total)
        rate = (done - self.done_before) / max(
            time.monotonic() - self.started, 1e-6)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] "
            f"{done}/{total_rows} rows, {issued} issued, "
            f"{rejected} rejected, {rate:,.0f} rows/s")
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
        job_id = find_or_create_job(args, data)
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
