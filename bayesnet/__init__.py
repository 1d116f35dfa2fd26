"""bayesnet: a discrete Bayesian network for the differential diagnosis of low back pain.

>>> import bayesnet
>>> model = bayesnet.load_model()
>>> p = model.posterior({"age": 67, "sex": "male", "anemia": "present", "hypercalcemia": True})
>>> p.idxmax()
'plasmacytoma'
"""

from .errors import BayesnetError, EvidenceError, ImpossibleEvidenceError, PriorsError
from .knowledge import load_knowledge
from .model import BatchEvidenceError, Diagnosis, Model, load_model

__version__ = "0.1.0"

__all__ = [
    "load_model",
    "load_knowledge",
    "Model",
    "Diagnosis",
    "BayesnetError",
    "PriorsError",
    "EvidenceError",
    "ImpossibleEvidenceError",
    "BatchEvidenceError",
    "__version__",
]
