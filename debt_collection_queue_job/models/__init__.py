from . import debt_collection_engine
