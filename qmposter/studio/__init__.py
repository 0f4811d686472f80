"""`qmposter studio`: the kit in a browser, for office staff and template designers.

A local Starlette application (served by uvicorn) with server-rendered pages in Chinese.
Every action calls the same library code as the CLI — through `seams`, one module that
names each library call the studio makes, so when the library grows (notice readers,
per-campaign catalogues, the build package) only that module changes.
"""
