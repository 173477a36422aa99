from . import test_tools
from . import test_sms_engine
from . import test_smsapi_gateway
from . import test_sms_settings
from . import test_sms_crash
