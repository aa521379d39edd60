"""Times of the business: stored as naive UTC, dated and shown in China.

trytond stores naive UTC timestamps; staff and partners live in
Asia/Shanghai. China observes no daylight saving time, so a fixed +08:00
offset is exact (and needs no time zone database).
"""
import datetime as dt

CHINA = dt.timezone(dt.timedelta(hours=8), 'Asia/Shanghai')


def utcnow():
    "The current time as trytond stores it: naive UTC"
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def china_today():
    return dt.datetime.now(CHINA).date()


def china_midnight(day):
    "The naive UTC timestamp of midnight in China starting day"
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=CHINA)
    return midnight.astimezone(dt.UTC).replace(tzinfo=None)


def in_china(timestamp):
    "The aware +08:00 time of a naive UTC timestamp"
    return timestamp.replace(tzinfo=dt.UTC).astimezone(CHINA)


def china_date(timestamp):
    "The date in China of a naive UTC timestamp"
    return in_china(timestamp).date()
