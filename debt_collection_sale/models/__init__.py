from . import res_partner
from . import sale_order
from . import debt_collection_demo
