from . import res_company
from . import res_config_settings
from . import account_move
from . import debt_collection_ageing_bucket
from . import debt_collection_ageing
from . import debt_collection_analysis
from . import debt_collection_xlsx
