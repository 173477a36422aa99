from . import test_links
from . import test_portal_access
from . import test_portal_actions
from . import test_payment
from . import test_statement
from . import test_balance_confirmation
from . import test_tour
