"""App: the Streamlit app, thin pages over one cache seam.

``registry`` lists the pages once (for the shell, the URL state, the tests and the benchmarks);
``cache`` is the only place the app caches; ``state`` turns a link into a view and back;
``ui`` draws charts, cards and notices; ``shell`` and ``sidebar`` frame every page; each page in
``pages`` reads its inputs, computes through the seam and renders.

May import: ``indicators`` and every other part of ``dashboard``; the only stage that imports
``streamlit``.
"""
