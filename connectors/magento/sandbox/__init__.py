"""The Magento 2 sandbox: a faithful simulator of the REST paths the hub uses."""
