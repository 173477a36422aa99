from . import debt_collection_interest_wizard
