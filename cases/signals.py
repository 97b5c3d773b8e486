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
