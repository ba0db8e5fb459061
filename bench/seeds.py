#!/usr/bin/python3
"""The seeds' approach to the medical migration, as the benchmark's peer.

    seeds.py SRC_URL DST_URL

What seed 001's Python tool does: SQLAlchemy, the source read in batches of
5,000 rows, each batch cleaned in Python (split by role, new keys, emails
trimmed, lower case and made unique, names split, phones to E.164, gender
and statuses spelled one way, patient and doctor ids rewired through
in-memory crosswalks) and inserted 5,000 rows at a time into the
constrained v2 tables (psycopg2 underneath), one transaction per batch.
The URLs are the benchmark's postgresql:///DB?host=SOCKDIR&port=N&user=U.
Prints the rows moved and the rows/s on stderr.
"""
import re
import sys
import time
import uuid

from sqlalchemy import MetaData, create_engine, text

BATCH = 5000
NS = uuid.UUID("5b0e5c6a-6d2f-5a43-9a3e-2f1d7c0a8e11")
STAFF = {"DOCTOR", "NURSE", "ADMIN", "SECRETARY", "SUPER_ADMIN"}
GENDER = {"m": "male", "male": "male", "f": "female", "female": "female",
          "o": "other", "other": "other"}
STATUS = {"scheduled": "scheduled", "completed": "completed",
          "cancelled": "cancelled", "canceled": "cancelled",
          "no_show": "no_show", "no-show": "no_show", "open": "open",
          "in_progress": "in_progress", "closed": "closed"}
NONDIGIT = re.compile(r"[^0-9]")
BLANKS = re.compile(r"\s+")


def engine(url):
    return create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1))


def phone(raw):
    if raw is None:
        return None
    d = NONDIGIT.sub("", raw)
    if len(d) == 10:
        return "+1" + d
    if len(d) == 11 and d[0] == "1":
        return "+" + d
    if raw.strip().startswith("+") and 8 <= len(d) <= 15:
        return "+" + d
    return None


def unique_email(raw, seen):
    if raw is None:
        return None
    e = raw.strip().lower()
    if not e:
        return None
    if e not in seen:
        seen[e] = 1
        return e
    seen[e] += 1
    local, _, domain = e.partition("@")
    return "%s+%d@%s" % (local, seen[e], domain)


def names(full):
    full = BLANKS.sub(" ", full.strip())
    p = full.split(" ")
    return (full, p[0], p[1] if len(p) > 2 else None,
            p[-1] if len(p) > 1 else None)


def stream(conn, sql):
    res = conn.execution_options(stream_results=True).execute(text(sql))
    for part in res.partitions(BATCH):
        yield [r._mapping for r in part]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: seeds.py SRC_URL DST_URL")
    src, dst = engine(sys.argv[1]), engine(sys.argv[2])
    meta = MetaData()
    meta.reflect(bind=dst, only=["users", "patients", "appointments",
                                 "medical_cases"])
    t = meta.tables
    staff_id, patient_id = {}, {}
    staff_seen, patient_seen = {}, {}
    moved = 0
    t0 = time.time()
    with src.connect() as s:
        for batch in stream(s, "SELECT * FROM users ORDER BY id"):
            staff, patients = [], []
            for r in batch:
                full, first, middle, last = names(r["full_name"])
                ph = phone(r["phone"])
                if r["role"] in STAFF:
                    nid = len(staff_id) + 1
                    staff_id[r["id"]] = nid
                    staff.append(dict(
                        id=nid, legacy_user_id=r["id"], role=r["role"],
                        first_name=first, last_name=last, full_name=full,
                        email=unique_email(r["email"], staff_seen), phone=ph,
                        password_hash=r["password_hash"],
                        created_at=r["created_at"], updated_at=r["updated_at"]))
                elif r["role"] == "PATIENT":
                    pid = str(uuid.uuid5(NS, str(r["id"])))
                    patient_id[r["id"]] = pid
                    g = (r["gender"] or "").strip().lower()
                    patients.append(dict(
                        id=pid, legacy_user_id=r["id"], first_name=first,
                        middle_name=middle, last_name=last, full_name=full,
                        email=unique_email(r["email"], patient_seen),
                        phone=ph, phone_raw=None if ph else r["phone"],
                        date_of_birth=r["date_of_birth"],
                        gender=GENDER.get(g), address=r["address"],
                        password_hash=r["password_hash"],
                        created_at=r["created_at"], updated_at=r["updated_at"]))
                else:
                    sys.exit("seeds.py: users:%d: unknown role" % r["id"])
            with dst.begin() as d:
                if staff:
                    d.execute(t["users"].insert(), staff)
                if patients:
                    d.execute(t["patients"].insert(), patients)
            moved += len(batch)
        for table in ("appointments", "medical_cases"):
            for batch in stream(s, "SELECT * FROM %s ORDER BY id" % table):
                rows = []
                for r in batch:
                    r = dict(r)
                    r["patient_id"] = patient_id[r["patient_id"]]
                    if r["doctor_id"] is not None:
                        r["doctor_id"] = staff_id[r["doctor_id"]]
                    r["status"] = STATUS[r["status"].strip().lower()]
                    rows.append(r)
                with dst.begin() as d:
                    d.execute(t[table].insert(), rows)
                moved += len(rows)
    dt = time.time() - t0
    print("seeds.py: %d rows in %.1f s, %.0f rows/s" % (moved, dt, moved / dt),
          file=sys.stderr)


if __name__ == "__main__":
    main()
