"""What the review pages show, one function per section, each returning HTML.

* :mod:`.district` — the district review (headline, attainment, over the years,
  lagging criteria, outlook, data checks);
* :mod:`.commune` — a commune profile (standing, history, unmet indicators);
* :mod:`.department` — a department's task list and roadmap;
* :mod:`.markup` — the HTML building blocks and the words of the pages.

A notebook displays a section with ``HTML(district.headline(review))``, where
``review`` comes from :func:`ntm_analysis.review.load_review`; ``ntm render``
and an analyst in JupyterLab see the same thing.
"""
