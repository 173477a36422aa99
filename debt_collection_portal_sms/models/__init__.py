from . import res_company
from . import res_config_settings
from . import debt_collection_notice
from . import sms_template
