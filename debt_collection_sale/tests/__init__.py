from . import test_sale_block
