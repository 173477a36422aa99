from . import res_company
from . import res_config_settings
from . import debt_collection_step
from . import debt_collection_event
from . import debt_collection_notice
from . import debt_collection_sms_gateway
from . import debt_collection_engine
from . import sms_template
