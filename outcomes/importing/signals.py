"""The signal an import sends once its transaction has committed.

`records_imported` carries `service_user_ids`: the ids of the people whose
records the import created or changed, or None when there were too many to
list (treat None as "recompute everyone"). Upper layers, such as the risk
engine, subscribe to it; `outcomes` never imports them.
"""

from django.dispatch import Signal

records_imported = Signal()
