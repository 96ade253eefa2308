# The integrations import Scrapy and PySpark at the top, as their users expect;
# their behaviour is tested in tests/integrations, not by doctest collection.
collect_ignore = ["cleaner/integrations"]
