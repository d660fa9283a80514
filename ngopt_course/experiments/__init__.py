"""What each notebook measures, built on the compute modules.

- ``batch_size``      : mini-batch sizes under a time budget (notebook 01)
- ``noisy``           : mini-batch gradient descent on a line fit, real mini-batch noise (01, 07)
- ``noisy_paths``     : batch, stochastic and mini-batch paths; optimizers under that noise (01, 07)
- ``convergence``     : momentum's convergence-rate map on a quadratic bowl (04)
- ``race``            : the optimizer race on the course's surfaces (04-06)
- ``per_coordinate``  : per-coordinate scaling on a turned bowl; RMSProp on Rosenbrock (06)
- ``critical_points`` : the saddle census and the plateau (08)
- ``index_vs_loss``   : critical points' index against their loss on a random landscape (08)
- ``capstone``        : the capstone's training runs on two moons (09)

Experiments import the compute and training layers, never plots or widgets.
"""
