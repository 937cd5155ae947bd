"""Services: the storefront's logic, called by thin views (cart, checkout, orders)."""
