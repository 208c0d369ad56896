"""Staff URLs (calls, themes, grid, screening, exports) and department contacts' read-only lists."""

urlpatterns: list = []
