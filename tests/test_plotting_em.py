"""The responsibility rug (04's figure and em_stepper): its colours follow the components' curves."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

import mixlib  # noqa: E402
from mixlib.plotting import draw_density_view  # noqa: E402
from mixlib.plotting.em import draw_responsibility_rug  # noqa: E402


def test_a_point_owned_by_a_component_takes_its_curves_colour():
    p = mixlib.MixtureParams([0.5, 0.5], [-3.0, 3.0], [0.5, 0.5])
    x = np.array([-3.0, 3.0, 0.0])  # owned by component 1, by component 2, shared equally
    fig, ax = plt.subplots()
    view = draw_density_view(ax, x, p)
    for component in (0, 1):
        rug = draw_responsibility_rug(ax, x, p, component=component, colorbar=False)
        colours = rug.points.to_rgba(rug.points.get_array())
        curve = [to_rgba(line.get_color()) for line in view.components]
        owner = 0 if component == 0 else 1
        np.testing.assert_allclose(colours[owner], curve[component], atol=1e-2)  # r_ik = 1
        np.testing.assert_allclose(colours[1 - owner], curve[1 - component], atol=1e-2)  # r_ik = 0
        assert np.ptp(colours[2][:3]) < 0.02  # r_ik = 0.5: grey, neither component's colour
    plt.close(fig)


def test_recolouring_follows_the_parameters():
    x = np.array([0.0, 2.0])
    fig, ax = plt.subplots()
    p = mixlib.MixtureParams([0.5, 0.5], [-1.0, 1.0], [1.0, 1.0])
    rug = draw_responsibility_rug(ax, x, p, colorbar=False)
    swapped = mixlib.MixtureParams([0.5, 0.5], [1.0, -1.0], [1.0, 1.0])
    rug.show_params(x, swapped)
    np.testing.assert_allclose(rug.points.get_array(), mixlib.responsibilities(x, swapped)[:, 0])
    plt.close(fig)
