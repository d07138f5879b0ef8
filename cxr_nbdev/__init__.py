import warnings
# raised inside fastai's own import; nothing a user can act on
warnings.filterwarnings('ignore', message=r'.*torch\.jit\.script.* is deprecated')
__version__ = "0.1.0"
