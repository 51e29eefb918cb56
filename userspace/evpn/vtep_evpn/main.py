# vtep-evpn's main: the settings, gobgp's stubs, the agent.
import faulthandler
import signal

from . import config, control, stubs, util
from .agent import Agent
from .util import die


def main(argv, stubs_dir):
    """the agent with the command line ARGV, gobgp's stubs from STUBS_DIR
    (found and vetted by the vtep-evpn entry point); `show ...` asks the
    running agent for its state"""
    if argv[:1] == ["show"]:
        return control.show_main(argv[1:])
    s = config.settings(argv)
    faulthandler.register(signal.SIGUSR1)   # a stack dump on demand
    util.verbose = s.verbose
    stubs.load(stubs_dir)
    try:
        Agent(s).run()
    except KeyboardInterrupt:
        pass
    except RuntimeError as e:
        die(str(e))
    return 0
