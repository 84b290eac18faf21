"""Meeting prep in Teams: gather the story of a meeting's customers from the record
(``gather``), draw it as an Adaptive Card (``cards``), decide when cards are due
(``schedule``) and deliver them through Graph (``deliver``)."""
