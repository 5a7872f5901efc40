"""Style transfer, one module per part (import from the module itself; nothing is re-exported here):

* :mod:`gan.style.presets`: the built-in style images and content samples (``preset_image``);
* :mod:`gan.style.offline`: the offline methods behind one interface (``StyleConfig``, ``stylize_iter``,
  ``stylize``): patch synthesis (the default) and the adversarial method;
* :mod:`gan.style.patches`: the patch method itself (nearest style patches, coarse to fine);
* :mod:`gan.style.measures`: colour, texture, structure, border and speckle measures of a result (the
  tests and ``bench/style_calibration.py`` use them);
* :mod:`gan.style.pretrained`: pretrained CycleGAN / AnimeGANv2 generators from the Hub or a file
  (``HUB_STYLES``, ``load_style_model``, ``apply_style_model``).

The offline method's networks are in :mod:`gan.models.style_nets`; ``python -m gan stylize`` is in
:mod:`gan.cli`.
"""
