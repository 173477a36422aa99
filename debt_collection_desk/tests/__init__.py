from . import test_block
from . import test_case
from . import test_case_sources
from . import test_accounting
