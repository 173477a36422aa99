from . import test_demands
from . import test_invoice_copies
from . import test_templates
from . import test_settlement
from . import test_migration
from . import test_insert_rows
