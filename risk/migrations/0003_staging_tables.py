"""Staging tables for recompute results.

A run (or each chunk of it) COPYs its results here, tagged with the run id;
readers never look here, and the publish step moves them into flags in one
transaction. UNLOGGED: a crash loses only an unpublished run, which the next
run replaces anyway. No indexes: COPY into an indexed table is several times
slower, and publishing reads each run's rows once, by hash join.
"""

from django.db import migrations

CREATE = """
CREATE UNLOGGED TABLE risk_staged_person (
    run_id bigint NOT NULL,
    chunk smallint NOT NULL,
    person_id bigint NOT NULL,
    tier varchar(10) NOT NULL,
    tier_rank smallint NOT NULL,
    score numeric(6, 2) NOT NULL,
    summary varchar(400) NOT NULL,
    rule_codes varchar(40)[] NOT NULL,
    signature bigint NOT NULL
);
CREATE UNLOGGED TABLE risk_staged_reason (
    run_id bigint NOT NULL,
    chunk smallint NOT NULL,
    person_id bigint NOT NULL,
    position smallint NOT NULL,
    rule_code varchar(40) NOT NULL,
    rule_version integer NOT NULL,
    weight numeric(4, 2) NOT NULL,
    trigger_kind varchar(20) NOT NULL,
    trigger_id bigint,
    fired_from date,
    expires_on date,
    count integer NOT NULL,
    detail varchar(200) NOT NULL,
    text varchar(300) NOT NULL
);
"""

DROP = "DROP TABLE risk_staged_reason; DROP TABLE risk_staged_person;"


class Migration(migrations.Migration):
    dependencies = [("risk", "0002_first_rule_set")]

    operations = [migrations.RunSQL(CREATE, DROP)]
