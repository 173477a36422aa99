from . import test_calendar
from . import test_engine
from . import test_schedule
from . import test_smoke
