from . import debt_collection_demand_wizard
from . import debt_collection_setup_wizard
