from . import debt_collection_setup_wizard
from . import debt_collection_note_wizard
from . import debt_collection_hold_wizard
from . import debt_collection_worklist
from . import debt_collection_postpone_wizard
