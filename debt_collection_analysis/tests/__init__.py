from . import test_analysis
from . import test_analysis_sources
