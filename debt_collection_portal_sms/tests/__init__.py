from . import test_sms_link
