from . import debt_collection_block_wizard
from . import debt_collection_call_wizard
