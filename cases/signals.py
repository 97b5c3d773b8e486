"""Signals `cases` sends about its records, for the layers above to react to.

`records_imported` is sent once a bulk import of case records has committed. It
carries `service_user_ids`: the ids of the people whose records the import
created or changed, or None when there were too many to list (treat None as
"recompute everyone"). The import itself lives above `cases` (in `exchange`);
the signal is declared here, with the records it is about, so that a receiver
such as the risk engine's listens to `cases` and never imports the import code.
"""

from django.dispatch import Signal

records_imported = Signal()

# Sent inside the transaction that records an overdose as having happened, with `event`
# (a `cases.Event` of kind non-fatal overdose, of a known person or of someone not yet
# known). Unlike the other signals it is not deferred to the commit: the overdose pathway
# (`overdoses`) opens the overdose's follow-up in the same transaction, so an overdose is
# never saved without one, and a follow-up that cannot be opened undoes the recording.
overdose_recorded = Signal()
