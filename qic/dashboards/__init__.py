"""Pages that gather from several apps: each role's home page and a provider's benchmark
dashboard, which shows the published national average beside the provider's own figures.

They sit above national (whose averages they read), accreditation and programme; nothing in
those apps imports them (docs/decisions.md, the layer contract). Not a Django app: no models,
and the pages keep their templates where they were (organisations/home_*.html,
programme/dashboard.html).
"""
