"""Bulk import of case records and TOP assessments from CSV files.

`specs` defines the file formats (from the building blocks in `columns`),
`validate` checks chunks with pandas (each cell; each row with `rows`),
`ndtms_codes` reads NDTMS codes in the coded columns through the submission's
mapping tables, `rules` checks what needs other rows or the database in SQL,
and `loader` streams the files into staging tables and upserts them in one
transaction.
The care record's files (`care_specs`: their columns from the care models' fields,
`care_rows`: each row through the model's own `clean()`, `care_rules`: the checks across
rows and the matching of references imported before, `care_writing`: one INSERT a file)
go through the same loader, after the case records they belong to.
`cases.signals.records_imported` is sent after a committed import.
"""
