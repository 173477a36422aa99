from . import debt_collection_worklist
